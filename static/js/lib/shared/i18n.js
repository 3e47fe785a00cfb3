// The interface's words in the page's language, from the server's catalogue (collab/translations,
// served as /i18n/<locale>.json): `t("Envoyer")`, `t("À {time} : {title}", { time, title })`,
// `tn("{n} carte", "{n} cartes", n)`. French is the source text and what shows without a catalogue.

const root = document.documentElement;
/** The page's language ("fr" or "en"), as the server chose it. */
export const locale = root.lang || "fr";

const catalogue = await load(document.querySelector('link[rel="preload"][data-i18n]'));
const pluralRules = new Intl.PluralRules(locale);

/** Fetch the catalogue the page names (preloaded beside the modules); French msgids without it. */
async function load(link) {
  if (!link) return { messages: {}, plurals: {} };
  try {
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } catch (error) {
    console.warn("collab: the interface's catalogue did not load; showing French", error);
    return { messages: {}, plurals: {} };
  }
}

/** Put `params` into `{name}` placeholders. */
function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Return `msgid` (French) in the page's language, with `{name}` placeholders filled from `params`. */
export function t(msgid, params) {
  return fill(catalogue.messages[msgid] || msgid, params);
}

/** Return the singular or plural form for `n` in the page's language; `{n}` is n in the locale's digits. */
export function tn(singular, plural, n, params) {
  const forms = catalogue.plurals[singular];
  const index = pluralRules.select(n) === "one" ? 0 : 1;
  const text = (forms && forms[index]) || (index === 0 ? singular : plural);
  return fill(text, { n: number(n), ...params });
}

/** Return a number in the page's language (1 234 in French, 1,234 in English). */
export function number(value, options) {
  return new Intl.NumberFormat(locale, options).format(value);
}

/**
 * Return a time of day as people write it: "16h30" (or "16h") in French, "4:30 PM" in English.
 * `value` is "HH:MM" (the programme's times) or a Date.
 */
export function clock(value) {
  let hours;
  let minutes;
  if (value instanceof Date) {
    [hours, minutes] = [value.getHours(), value.getMinutes()];
  } else {
    const match = /^(\d{1,2}):(\d{2})/.exec(String(value ?? ""));
    if (!match) return String(value ?? "");
    [hours, minutes] = [Number(match[1]), Number(match[2])];
  }
  if (locale === "fr") return `${hours}h${minutes ? String(minutes).padStart(2, "0") : ""}`;
  const moment = new Date(2000, 0, 1, hours, minutes);
  return moment.toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
}

/** Return a Date (or ISO string) as a time with seconds, in the page's language (16:30:05 / 4:30:05 PM). */
export function clockSeconds(value) {
  const moment = value instanceof Date ? value : new Date(value);
  return moment.toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit", second: "2-digit" });
}

/** Return a Date or ISO string as a short date and time in the page's language. */
export function dateTime(value) {
  const moment = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(moment.getTime())) return String(value);
  return moment.toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
}
