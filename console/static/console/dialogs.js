// The transfer and pause dialogs; each resolves with what to send, or null when cancelled.
import { localName } from "/static/display/display/windows.js";

function option(value, text) {
  const o = document.createElement("option");
  o.value = value; o.textContent = text;
  return o;
}

/** Show a dialog; `collect` returns {value} to close with it or {problem} to show and ask again. */
function ask(dialog, form, collect) {
  return new Promise((resolve) => {
    const error = form.querySelector(".c-dialog-error");
    error.textContent = "";
    const onSubmit = (ev) => {
      ev.preventDefault();
      const { value, problem } = collect();
      if (problem) { error.textContent = problem; return; } // ask again
      finish(value);
    };
    const onCancel = () => finish(null);
    const finish = (value) => {
      form.removeEventListener("submit", onSubmit);
      form.querySelector("[data-cancel]").removeEventListener("click", onCancel);
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    form.addEventListener("submit", onSubmit);
    form.querySelector("[data-cancel]").addEventListener("click", onCancel);
    dialog.addEventListener("cancel", onCancel);
    dialog.showModal();
  });
}

export function createDialogs(ctx) {
  const { t, data } = ctx;
  const $ = (id) => document.getElementById(id);

  function transfer(w) {
    $("transfer-number").textContent = w.current ? w.current.number : "";
    const services = $("transfer-service");
    services.replaceChildren(option("", t.same_service), ...ctx.snap.departments.map((d) => {
      const group = document.createElement("optgroup");
      group.label = localName(d, data.lang);
      group.append(...ctx.snap.services.filter((s) => s.department_id === d.id)
        .map((s) => option(s.id, `${s.prefix} · ${localName(s, data.lang)}`)));
      return group;
    }));
    const windows = $("transfer-window");
    windows.replaceChildren(option("", t.any_window), ...ctx.snap.windows.filter((x) => x.id !== w.id).map((x) =>
      option(x.id, `${ctx.fill(t.window_n, { n: x.number })} · ${ctx.departmentName(x)} (${t["state_" + x.state]})`)));
    return ask($("transfer-dialog"), $("transfer-form"), () => {
      const target = {};
      if (services.value) target.service_id = Number(services.value);
      if (windows.value) target.window_id = Number(windows.value);
      return Object.keys(target).length ? { value: target } : { problem: t.transfer_need_target };
    });
  }

  function pause() {
    const form = $("pause-form");
    $("pause-detail").value = "";
    return ask($("pause-dialog"), form, () => {
      const preset = form.querySelector("input[name=preset]:checked")?.value || "";
      const detail = $("pause-detail").value.trim();
      const reason = preset && detail ? `${preset}${data.lang === "en" ? ": " : "："}${detail}` : preset || detail;
      return reason ? { value: reason } : { problem: t.pause_need_reason };
    });
  }

  return { transfer, pause };
}
