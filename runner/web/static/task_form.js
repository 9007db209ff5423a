// A form page (a task, or the start of a case): rendered from its JSON Schema by JSON Editor (npm
// @json-editor/json-editor), submitted to the JSON API (state.url, with state.extra beside the form's "data"). The server validates every submission; its errors (already in Chinese) are shown
// next to their fields and what the user typed stays in the form. JSON Editor's own English messages are never
// shown (show_errors: "never"): the server is the authority.
(function () {
  "use strict";
  const state = JSON.parse(document.getElementById("form-state").textContent);
  const holder = document.getElementById("editor");
  const summary = document.getElementById("form-errors");

  JSONEditor.defaults.languages.zh = {
    button_add_row_title: "添加{{0}}", button_delete_row_title: "删除{{0}}", button_delete_row_title_short: "删除",
    button_delete_all: "全部", button_delete_all_title: "全部删除", button_delete_last: "最后一项{{0}}",
    button_delete_last_title: "删除最后一项{{0}}", button_move_down_title: "下移", button_move_up_title: "上移",
    button_collapse: "收起", button_expand: "展开", default_array_item_title: "项",
    button_delete_node_warning: "确定删除这一项吗？", table_controls: "操作",
  };
  JSONEditor.defaults.language = "zh";

  // A choice list written as oneOf [{const, title}] (how Wenze's forms give codes their Chinese titles) is shown
  // as one drop-down of the titles, which is what it means to a person.
  function choices(node) {
    if (Array.isArray(node)) return node.map(choices);
    if (!node || typeof node !== "object") return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) copy[key] = choices(value);
    const options = copy.oneOf;
    if (Array.isArray(options) && options.length && options.every((o) => o && "const" in o)) {
      delete copy.oneOf;
      copy.enum = options.map((o) => o.const);
      copy.options = Object.assign({}, copy.options, { enum_titles: options.map((o) => o.title || String(o.const)) });
    }
    if (copy.type === "boolean") copy.format = copy.format || "checkbox";
    return copy;
  }

  const editor = state.schema ? new JSONEditor(holder, {
    schema: choices(state.schema), startval: state.data, theme: "html", iconlib: null,
    disable_edit_json: true, disable_properties: true, disable_collapse: true, disable_array_delete_all_rows: true,
    disable_array_delete_last_row: true, no_additional_properties: true, remove_empty_properties: true,
    show_errors: "never", prompt_before_delete: false,
  }) : null;
  if (editor && !state.ready) editor.on("ready", () => editor.disable());

  // Each server error is written under the field it names (JSON Editor marks each field's container with
  // data-schemapath="root.field.0.sub"); an error of a field the form does not show stays in the summary.
  function show(errors, message) {
    summary.textContent = message || "";
    holder.querySelectorAll(".field-error").forEach((node) => node.remove());
    holder.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    for (const error of errors || []) {
      const path = ["root"].concat(error.path ? error.path.split("/") : []).join(".");
      const field = holder.querySelector(`[data-schemapath="${CSS.escape(path)}"]`);
      if (!field) continue;
      const note = document.createElement("p");
      note.className = "field-error";
      note.textContent = error.message;
      field.appendChild(note);
      const input = field.querySelector("input, select, textarea");
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }

  // 认领 / 释放: the answer (or the refusal, in Chinese) is shown in place.
  document.querySelectorAll("button.claim").forEach((button) => button.addEventListener("click", async () => {
    const answer = await fetch(`/api/tasks/${encodeURIComponent(state.task)}/${button.dataset.action}`, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": state.csrf_token },
    });
    const body = await answer.json().catch(() => ({}));
    if (answer.ok) document.getElementById("claimed-by").textContent = body.claimed_by || "（未认领）";
    summary.textContent = answer.ok ? "" : body.message || "操作失败";
  }));

  const form = document.getElementById("task-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = document.getElementById("submit");
    button.disabled = true;
    try {
      const answer = await fetch(state.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": state.csrf_token },
        body: JSON.stringify(Object.assign({}, state.extra, { data: editor ? editor.getValue() : {} })),
      });
      const body = await answer.json().catch(() => ({}));
      if (answer.ok) {
        show([], "");
        form.hidden = true;
        document.getElementById("done").hidden = false;
        return;
      }
      show(body.errors, body.message || "提交失败，请稍后再试");
    } catch (failure) {
      show([], "无法连接服务器，请检查网络后再试");
    } finally {
      button.disabled = false;
    }
  });
})();
