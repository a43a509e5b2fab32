// The service desk: recent no-shows, each with a button to put it back in the queue.
const EXPIRY_CHECK_MS = 60000; // a no-show may only be reinstated for a while: drop expired ones

export function createDesk(ctx) {
  const { t } = ctx;
  const rows = document.getElementById("desk-rows");

  async function load() {
    let list;
    try { list = await ctx.api("GET", "/api/v1/tickets/no-show"); } catch { return; }
    if (!list.length) {
      const tr = document.createElement("tr");
      tr.innerHTML = "<td colspan=4 class=empty></td>";
      tr.querySelector("td").textContent = t.no_no_shows;
      rows.replaceChildren(tr);
      return;
    }
    rows.replaceChildren(...list.map((n) => {
      const tr = document.createElement("tr");
      tr.innerHTML = "<td class=num></td><td></td><td></td><td><button type=button class=act></button></td>";
      const cells = tr.querySelectorAll("td");
      cells[0].textContent = n.number;
      cells[1].textContent = ctx.serviceName(n.service_id) || n.service_name;
      cells[2].textContent = ctx.clockTime(n.no_show_at);
      const btn = tr.querySelector("button");
      btn.textContent = t.act_reinstate;
      btn.dataset.ticket = n.number;
      btn.addEventListener("click", async () => {
        const res = await ctx.run(t.act_reinstate, () => ctx.api("POST", `/api/v1/tickets/${n.ticket_id}/reinstate`, {}));
        if (res) ctx.notice(ctx.fill(t.reinstated, { number: res.ticket.number }));
        load();
      });
      return tr;
    }));
  }

  setInterval(load, EXPIRY_CHECK_MS);
  return {
    render() {},
    reload: load,
    onEvent(name) { if (["ticket.no_show", "ticket.reinstated", "tickets.abandoned"].includes(name)) load(); },
  };
}
