// Renders the page's diagram (BPMN with bpmn-js, DMN with dmn-js) from the file's text at <page>/xml.
// A static file, not inline script: the Content-Security-Policy runs only the site's own script files.
(async () => {
  const status = document.getElementById('status');
  const kind = status.dataset.kind;
  try {
    const xml = await (await fetch(location.pathname + '/xml')).text();
    const viewer = kind === 'bpmn' ? new BpmnJS({ container: '#canvas' }) : new DmnJS({ container: '#canvas' });
    const { warnings } = await viewer.importXML(xml);
    if (kind === 'bpmn') viewer.get('canvas').zoom('fit-viewport');
    status.dataset.warnings = warnings.length;
    status.textContent = warnings.length ? '导入警告 ' + warnings.length + ' 条：' + warnings.map(w => w.message).join('；')
                                         : '已加载，无导入警告';
  } catch (err) {
    status.dataset.warnings = 'error';
    status.textContent = '无法打开：' + err.message;
  }
  document.body.dataset.ready = '1';
})();
