// The seven public facts (七公开) of a service: what it is, materials, procedure, time limit, fee, legal basis, enquiries.
import { el, localName, t } from "./text.js";

function timeLimit(s) {
  if (s.promised_days === 0) return t("on_the_spot");
  if (s.promised_days === null || s.promised_days === undefined) return null;
  return t("working_days", { promised: s.promised_days, statutory: s.statutory_days ?? "—" });
}

/** The facts dialog; show(service) opens it. */
export function createFacts(root, onClose) {
  const title = root.querySelector("#facts-title");
  const list = root.querySelector("#facts-list");
  root.querySelector("#facts-close").addEventListener("click", () => { root.hidden = true; onClose(); });

  return {
    show(service) {
      title.textContent = localName(service);
      const rows = [
        ["content", service.content],
        ["materials", service.materials && service.materials.length ? service.materials : null],
        ["procedure", service.procedure],
        ["time_limit", timeLimit(service)],
        ["fee", service.fee],
        ["legal_basis", service.legal_basis],
        ["phone", service.consult_phone],
      ];
      const parts = [];
      for (const [key, value] of rows) {
        if (!value) continue;
        const row = el("div", "k-fact");
        row.append(el("dt", null, t(key)));
        const dd = el("dd");
        if (Array.isArray(value)) {
          const ul = el("ul");
          ul.append(...value.map((m) => el("li", null, m)));
          dd.append(ul);
        } else {
          dd.textContent = value;
        }
        row.append(dd);
        parts.push(row);
      }
      list.replaceChildren(...parts);
      root.hidden = false;
      root.querySelector(".k-facts-card").scrollTop = 0;
    },
    close() { root.hidden = true; },
  };
}
