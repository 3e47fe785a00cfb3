// A console's staff actions: send one, wait for its acknowledgement, say in French what went wrong.

const WHY = {
  unauthorised: "ce lien d'animation n'est plus valable",
  forbidden: "cette salle n'est pas confiée à ce lien",
  not_found: "cette carte n'existe plus (supprimée ou fusionnée entre-temps)",
  conflict: "une autre modification est passée avant",
  closed: "le séminaire est clos, plus rien ne peut être modifié",
  internal: "erreur du serveur, rien n'a été changé",
  disconnected: "pas de connexion au serveur",
  timeout: "le serveur n'a pas répondu",
};

/**
 * Return `run(event, payload, {failed, invalid})`: resolves with the acknowledgement when it is
 * `ok`, or null once `warn` has shown "<failed> : <why>." (`invalid`: the why of an `invalid` refusal).
 * `call` is the connection's acknowledged call; `warn("")` clears the alert after a success.
 */
export function actionRunner(call, warn) {
  return async function run(event, payload, { failed, invalid = "la demande n'est pas valable" }) {
    let ack;
    try {
      ack = await call(event, payload, 5000);
    } catch (err) {
      warn(`${failed} : ${WHY[err.reason] || WHY.disconnected}. Réessayez.`);
      return null;
    }
    if (ack && ack.ok) {
      warn("");
      return ack;
    }
    const code = ack && ack.error ? ack.error.code : "internal";
    const retry = code === "internal" || code === "conflict" ? " Réessayez." : "";
    warn(`${failed} : ${code === "invalid" ? invalid : WHY[code] || WHY.internal}.${retry}`);
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
