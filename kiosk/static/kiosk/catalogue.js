// The service catalogue panel: groups (one-stop themes first, then departments), then a group's services.
import { el, localName, t, waitText } from "./text.js";

/** Group the services: each theme of comprehensive windows first, then each department. */
export function buildGroups(services, windows) {
  const departments = new Map();
  for (const s of services) {
    if (!departments.has(s.department_id)) {
      departments.set(s.department_id, { id: s.department_id, name: s.department, name_en: s.department_en,
                                         theme: s.theme || "", own: [] });
    }
    departments.get(s.department_id).own.push(s.id);
  }
  const known = new Set(services.map((s) => s.id));
  const themed = [];
  const plain = [];
  for (const d of departments.values()) {
    if (d.theme) {
      const ids = new Set(d.own);
      for (const w of windows || []) {
        if (w.department_id === d.id) for (const id of w.service_ids || []) if (known.has(id)) ids.add(id);
      }
      const order = services.map((s) => s.id).filter((id) => ids.has(id) && !d.own.includes(id));
      themed.push({ key: "d" + d.id, name: d.name, name_en: d.name_en, oneStop: true, serviceIds: [...d.own, ...order] });
    } else {
      plain.push({ key: "d" + d.id, name: d.name, name_en: d.name_en, oneStop: false, serviceIds: d.own });
    }
  }
  return [...themed, ...plain];
}

/** A group's waiting total and the longest known estimated wait of its services. */
export function groupFigures(group, byId) {
  let waiting = 0;
  let longest = null;
  for (const id of group.serviceIds) {
    const s = byId.get(id);
    if (!s) continue;
    waiting += s.waiting || 0;
    if (s.estimated_wait_s !== null && s.estimated_wait_s !== undefined) longest = Math.max(longest ?? 0, s.estimated_wait_s);
  }
  return { waiting, longest };
}

/** The catalogue panel: renders groups and services and keeps their counts current. */
export function createCatalogue({ rootEl, oneStopEl, deptEl, groupsEl, servicesEl, listEl, titleEl, backEl, onPick, onInfo }) {
  let groups = [];
  let byId = new Map();
  let openKey = null;

  function figuresLine(waiting, waitLabel, wait) {
    const line = el("span", "k-figures");
    line.append(el("span", "k-waiting", t("waiting_n", { n: waiting })));
    const w = el("span", "k-wait");
    w.append(el("span", "k-wait-label", waitLabel + " "), el("strong", null, wait));
    line.append(w);
    return line;
  }

  function groupCard(group) {
    const card = el("button", "k-group" + (group.oneStop ? " one-stop" : ""));
    card.type = "button";
    card.dataset.group = group.key;
    const head = el("span", "k-group-head");
    head.append(el("span", "k-group-name", localName(group)));
    card.append(head, el("span", "k-figures-slot"));
    card.addEventListener("click", () => showGroup(group.key));
    return card;
  }

  function serviceRow(service) {
    const row = el("div", "k-service");
    row.dataset.serviceId = service.id;
    const pick = el("button", "k-service-pick");
    pick.type = "button";
    pick.dataset.serviceId = service.id;
    pick.append(el("span", "k-service-name", localName(service)), el("span", "k-figures-slot"));
    pick.addEventListener("click", () => onPick(byId.get(service.id) || service, pick));
    const info = el("button", "k-service-info");
    info.append(el("span", "k-info-i", "i"), el("span", "k-info-label", t("info_short")));
    info.type = "button";
    info.setAttribute("aria-label", t("info"));
    info.addEventListener("click", () => onInfo(byId.get(service.id) || service));
    row.append(pick, info);
    return row;
  }

  function refreshCounts() {
    for (const card of rootEl.querySelectorAll("[data-group]")) {
      const group = groups.find((g) => g.key === card.dataset.group);
      if (!group) continue;
      const f = groupFigures(group, byId);
      card.querySelector(".k-figures-slot").replaceChildren(figuresLine(f.waiting, t(f.longest === null ? "est_wait" : "longest_wait"), waitText(f.longest)));
      card.classList.toggle("busy-queue", f.waiting > 0);
    }
    for (const pick of listEl.querySelectorAll(".k-service-pick")) {
      const s = byId.get(Number(pick.dataset.serviceId));
      if (!s) continue;
      const ahead = s.waiting || 0;
      pick.querySelector(".k-figures-slot").replaceChildren(figuresLine(ahead, t("est_wait"), waitText(s.estimated_wait_s)));
    }
  }

  function renderGroups() {
    oneStopEl.replaceChildren(...groups.filter((g) => g.oneStop).map(groupCard));
    deptEl.replaceChildren(...groups.filter((g) => !g.oneStop).map(groupCard));
    rootEl.classList.toggle("no-one-stop", !groups.some((g) => g.oneStop));
  }

  function markOpen() {
    for (const card of rootEl.querySelectorAll("[data-group]")) card.classList.toggle("open", card.dataset.group === openKey);
    rootEl.classList.toggle("in-group", openKey !== null);
  }

  function showGroup(key) {
    const group = groups.find((g) => g.key === key);
    if (!group) { showHome(); return; }
    openKey = key;
    titleEl.textContent = localName(group);
    servicesEl.classList.toggle("one-stop", group.oneStop);
    listEl.replaceChildren(...group.serviceIds.filter((id) => byId.has(id)).map((id) => serviceRow(byId.get(id))));
    refreshCounts();
    groupsEl.hidden = true;
    servicesEl.hidden = false;
    markOpen();
    window.scrollTo(0, 0);
  }

  function showHome() {
    openKey = null;
    servicesEl.hidden = true;
    groupsEl.hidden = false;
    markOpen();
  }

  backEl.addEventListener("click", showHome);

  return {
    /** Replace the whole catalogue (after a snapshot or a reload). */
    setCatalogue(services, windows) {
      byId = new Map(services.map((s) => [s.id, s]));
      groups = buildGroups(services, windows);
      renderGroups();
      if (openKey) showGroup(openKey); else { refreshCounts(); markOpen(); }
    },
    /** Apply an event's waiting map {"<service_id>": count}. */
    applyWaiting(waiting) {
      for (const [id, count] of Object.entries(waiting || {})) {
        const s = byId.get(Number(id));
        if (s) s.waiting = count;
      }
      refreshCounts();
    },
    showHome,
    isHome: () => openKey === null,
  };
}
