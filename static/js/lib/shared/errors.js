// What a refusal says to a person, in the page's language: acknowledgements carry a stable `code`
// (docs/protocol.md) and an English `message` for logs; the interface words come from the code.
import { t } from "./i18n.js";

/** Return the sentence for an error acknowledgement's `{code, message, details}`. */
export function errorText(error) {
  if (!error) return t("erreur du serveur");
  const reason = error.details && error.details.reason;
  switch (error.code) {
    case "invalid":
      return t("demande refusée : ces données ne conviennent pas");
    case "not_found":
      return t("introuvable : cet élément n'existe pas ou plus");
    case "forbidden":
      return t("votre rôle ne permet pas cette action");
    case "unauthorised":
      return t("ce lien ou cette inscription n'est plus valable");
    case "conflict":
      return t("une autre modification est passée avant : rechargez et réessayez");
    case "room_closed":
      if (reason === "locked") return t("la salle est verrouillée");
      if (reason === "paused") return t("l'activité est en pause");
      return t("l'activité est close");
    case "board_closed":
      return t("ce tableau ne prend pas de cartes pour l'instant");
    case "closed":
      return t("le séminaire est clos : tout reste consultable, plus rien ne peut être modifié");
    case "rate_limited": {
      const seconds = Math.max(1, Math.ceil(Number(error.details && error.details.retry_after) || 1));
      return t("trop d'envois d'affilée : réessayez dans {seconds} s", { seconds });
    }
    case "unknown_event":
      return t("le serveur ne connaît pas cette demande : rechargez la page");
    case "internal":
      return t("le serveur n'a pas pu le faire ; rien n'a été modifié");
    default:
      return t("erreur du serveur ({code})", { code: error.code || "?" });
  }
}

/** Return why a call failed: no connection, no answer in time, or the server's refusal. */
export function failureText(err) {
  if (err && err.reason === "disconnected") return t("pas de connexion au serveur");
  if (err && err.reason === "timeout") return t("le serveur n'a pas répondu");
  return (err && err.message) || t("erreur du serveur");
}
