// A console's staff actions: send one, wait for its acknowledgement, say what went wrong in the page's language.
import { t } from "../shared/i18n.js";

const WHY = {
  unauthorised: t("ce lien d'animation n'est plus valable"),
  forbidden: t("cette salle n'est pas confiée à ce lien"),
  not_found: t("cette carte n'existe plus (supprimée ou fusionnée entre-temps)"),
  conflict: t("une autre modification est passée avant"),
  closed: t("le séminaire est clos, plus rien ne peut être modifié"),
  internal: t("erreur du serveur, rien n'a été changé"),
  rate_limited: t("trop de demandes : patientez un instant"),
  disconnected: t("pas de connexion au serveur"),
  timeout: t("le serveur n'a pas répondu"),
};

/**
 * Return `run(event, payload, {failed, invalid})`: resolves with the acknowledgement when it is
 * `ok`, or null once `warn` has shown "<failed> : <why>." (`invalid`: the why of an `invalid` refusal).
 * `call` is the connection's acknowledged call; `warn("")` clears the alert after a success.
 */
export function actionRunner(call, warn) {
  return async function run(event, payload, { failed, invalid = t("la demande n'est pas valable") }) {
    let ack;
    try {
      ack = await call(event, payload, 5000);
    } catch (err) {
      warn(t("{failed} : {why}. Réessayez.", { failed, why: WHY[err.reason] || WHY.disconnected }));
      return null;
    }
    if (ack && ack.ok) {
      warn("");
      return ack;
    }
    const code = ack && ack.error ? ack.error.code : "internal";
    const why = code === "invalid" ? invalid : WHY[code] || WHY.internal;
    warn(code === "internal" || code === "conflict" ? t("{failed} : {why}. Réessayez.", { failed, why }) : t("{failed} : {why}.", { failed, why }));
    return null;
  };
}

/** Disable `control` while `promise` runs (aria-busy says why), then give it back. */
export async function busy(control, promise) {
  control.disabled = true;
  control.setAttribute("aria-busy", "true");
  try {
    return await promise;
  } finally {
    if (control.isConnected) {
      control.disabled = false;
      control.removeAttribute("aria-busy");
    }
  }
}
