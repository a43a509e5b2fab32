// Choosing a window: every window with who holds it; the clerk's own department first.
export function createPicker(ctx) {
  const { t, data } = ctx;
  const section = document.getElementById("picker");
  const list = document.getElementById("picker-list");
  let wasShown = false;

  function label(w) {
    if (w.state !== "closed" && w.clerk) return ctx.fill(t.taken_by, { name: w.clerk.name });
    return t.free;
  }

  async function take(w) {
    await ctx.run(t.act_open, () => ctx.api("POST", `/api/v1/windows/${w.id}/open`, {}));
  }

  function render() {
    const show = Boolean(ctx.snap) && !ctx.myWindow();
    section.hidden = !show;
    if (!show) { wasShown = false; return; }
    if (!wasShown) { wasShown = true; ctx.refreshWindows().catch(() => {}); } // fresh list from the API
    const own = (w) => (w.department_id === data.me.department_id ? 0 : 1);
    const windows = [...ctx.snap.windows].sort((a, b) => own(a) - own(b));
    list.replaceChildren(...windows.map((w) => {
      const li = document.createElement("li");
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "pick" + (own(w) === 0 ? " pick-own" : "");
      btn.dataset.window = w.number;
      const taken = w.state !== "closed" && w.clerk && w.clerk.id !== data.me.staff_id;
      btn.disabled = Boolean(taken);
      btn.innerHTML = "<b></b><span class=dept></span><span class=who></span>";
      btn.querySelector("b").textContent = ctx.fill(t.window_n, { n: w.number });
      btn.querySelector(".dept").textContent = ctx.departmentName(w) + (own(w) === 0 ? ` · ${t.my_department}` : "");
      btn.querySelector(".who").textContent = label(w);
      btn.addEventListener("click", () => take(w));
      li.append(btn);
      return li;
    }));
  }

  return { render };
}
