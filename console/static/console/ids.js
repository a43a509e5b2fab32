// Checking an applicant's identity number as it is typed: resident ID (GB 11643) or USCC (GB 32100).
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The number as stored: no spaces, capitals. */
export function normaliseId(value) {
  return value.replace(/\s+/g, "").toUpperCase();
}

/**
 * Check an ID number ("person") or unified social credit code ("organisation").
 * @returns {"ok"|"length"|"chars"|"check"}
 */
export function checkId(value, kind) {
  const v = normaliseId(value);
  if (v.length !== 18) return "length";
  if (kind === "person") {
    if (!/^\d{17}[\dX]$/.test(v)) return "chars";
    const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(v[i]), 0);
    return ID_CHECK[sum % 11] === v[17] ? "ok" : "check";
  }
  if (![...v].every((c) => USCC_CHARS.includes(c))) return "chars";
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * USCC_CHARS.indexOf(v[i]), 0);
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === v[17] ? "ok" : "check";
}
