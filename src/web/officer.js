// The officers' page: the applications awaiting the officer's signature,
// signed through NCALayer (the key stays on the officer's machine).
'use strict';
(function () {
  const T = {
    kk: {
      title: 'Қол қоюды күтетін өтініштер', key: 'API кілті', storage: 'Кілт қоймасы',
      load: 'Тізімді жүктеу', number: 'Нөмірі', service: 'Қызмет', iin: 'ЖСН',
      decision: 'Шешім', deadline: 'Мерзімі', empty: 'Қол қоюды күтетін өтініш жоқ.',
      sign: 'Қол қою', loading: 'Жүктелуде…', connecting: 'NCALayer-ге қосылу…',
      nonca: 'NCALayer-ге қосылу мүмкін болмады: ол іске қосылғанын тексеріңіз.',
      cert: 'NCALayer-ден тіркеу куәлігі алынуда…', preparing: 'Құжат дайындалуда…',
      signing: 'NCALayer-де қол қойыңыз…', finishing: 'Қолтаңба тексерілуде…',
      signed: 'Қол қойылды', cancelled: 'Қол қою тоқтатылды.', awaiting_employee_signature: 'қызметкердің қолы',
      awaiting_head_signature: 'басшының қолы', approval: 'оң', refusal: 'бас тарту',
      nokey: 'API кілтін енгізіңіз.'
    },
    ru: {
      title: 'Заявления, ожидающие подписи', key: 'API-ключ', storage: 'Хранилище ключа',
      load: 'Загрузить список', number: 'Номер', service: 'Услуга', iin: 'ИИН',
      decision: 'Решение', deadline: 'Срок', empty: 'Нет заявлений, ожидающих подписи.',
      sign: 'Подписать', loading: 'Загрузка…', connecting: 'Подключение к NCALayer…',
      nonca: 'Не удалось подключиться к NCALayer: проверьте, что он запущен.',
      cert: 'Получение регистрационного свидетельства из NCALayer…', preparing: 'Подготовка документа…',
      signing: 'Подпишите в NCALayer…', finishing: 'Проверка подписи…',
      signed: 'Подписано', cancelled: 'Подписание отменено.', awaiting_employee_signature: 'подпись сотрудника',
      awaiting_head_signature: 'подпись руководителя', approval: 'положительное', refusal: 'отказ',
      nokey: 'Введите API-ключ.'
    }
  };
  const params = new URLSearchParams(window.location.search);
  const lang = params.get('lang') === 'ru' ? 'ru' : 'kk';
  const t = (k) => T[lang][k] || k;
  // NCALayer listens on the loopback only; another URL is refused.
  const ncaUrl = (function () {
    const u = params.get('ncalayer') || 'wss://127.0.0.1:13579';
    return /^wss?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(u) ? u : 'wss://127.0.0.1:13579';
  })();
  const $ = (id) => document.getElementById(id);
  const status = (text, kind) => {
    const s = $('status');
    s.textContent = text;
    s.className = kind || '';
  };

  document.documentElement.lang = lang;
  document.querySelectorAll('[data-t]').forEach((e) => { e.textContent = t(e.dataset.t); });
  for (const l of ['kk', 'ru']) {
    const p = new URLSearchParams(params);
    p.set('lang', l);
    $('lang-' + l).href = '?' + p.toString();
  }
  $('key').value = window.sessionStorage.getItem('qoltanba-officer-key') || '';

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + $('key').value.trim() };
    if (body) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    let json = null;
    try { json = await r.json(); } catch (e) { json = null; }
    return { ok: r.ok, status: r.status, json };
  }

  function problem(r) {
    const j = r.json || {};
    const code = j.sign_code || j.code || String(r.status);
    const msg = (j.sign_message && j.sign_message[lang]) || (j.message && j.message[lang]) || j.title || '';
    const missing = Array.isArray(j.missing) ? ' [' + j.missing.join(', ') + ']' : '';
    return code + ': ' + msg + (j.detail ? ' (' + j.detail + ')' : '') + missing;
  }

  // One WebSocket to NCALayer; requests are answered in order.
  class NcaLayer {
    constructor(url) { this.url = url; this.ws = null; this.waiting = []; this.version = null; }
    connect() {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(this.url);
        let opened = false;
        ws.onopen = () => { opened = true; this.ws = ws; resolve(); };
        ws.onerror = () => { if (!opened) reject(new Error(t('nonca'))); };
        ws.onclose = () => {
          this.ws = null;
          for (const w of this.waiting.splice(0)) w.reject(new Error(t('nonca')));
        };
        ws.onmessage = (m) => {
          let r;
          try { r = JSON.parse(m.data); } catch (e) { return; }
          // NCALayer greets with its version (no code, no status) when the
          // connection opens, possibly after the first request was sent.
          if (r && r.result && r.result.version && r.code === undefined && r.status === undefined) {
            this.version = r.result.version;
            return;
          }
          const w = this.waiting.shift();
          if (w) w.resolve(r);
        };
      });
    }
    async call(request) {
      await this.connect();
      return new Promise((resolve, reject) => {
        this.waiting.push({ resolve, reject });
        this.ws.send(JSON.stringify(request));
      });
    }
  }
  const nca = new NcaLayer(ncaUrl);
  let certificate = null;

  async function officerCertificate(storage) {
    if (certificate) return certificate;
    const r = await nca.call({ module: 'kz.gov.pki.knca.commonUtils', method: 'getKeyInfo', args: [storage] });
    if (!r || String(r.code) !== '200' || !r.responseObject || !r.responseObject.pem) {
      throw new Error('NCALayer getKeyInfo: ' + ((r && (r.message || r.code)) || '?'));
    }
    certificate = r.responseObject;
    return certificate;
  }

  // A detached CAdES over the document data: the basics module's `sign`,
  // or commonUtils on NCALayer without it.
  async function signCms(storage, data) {
    const r = await nca.call({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: {
        allowedStorages: [storage],
        format: 'cms',
        data,
        signingParams: { decode: true, encapsulate: false, digested: false, tsaProfile: {} },
        signerParams: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.4'], chain: [] },
        locale: lang
      }
    });
    if (r && r.status === true) {
      const result = r.body && r.body.result;
      const cms = Array.isArray(result) ? result[0] : result;
      if (typeof cms === 'string' && cms) return cms;
      throw new Error(t('cancelled'));
    }
    if (r && r.status === undefined && r.code !== undefined) {
      const legacy = await nca.call({
        module: 'kz.gov.pki.knca.commonUtils',
        method: 'createCAdESFromBase64',
        args: [storage, 'SIGNATURE', data, false]
      });
      if (legacy && String(legacy.code) === '200' && typeof legacy.responseObject === 'string') return legacy.responseObject;
      throw new Error('NCALayer: ' + ((legacy && (legacy.message || legacy.code)) || t('cancelled')));
    }
    throw new Error('NCALayer: ' + ((r && (r.message || r.code)) || t('cancelled')));
  }

  async function sign(number, row) {
    const storage = $('storage').value;
    try {
      status(t('connecting'));
      await nca.connect();
      status(t('cert'));
      const cert = await officerCertificate(storage);
      status(t('preparing'));
      const p = await api('POST', '/v1/applications/' + encodeURIComponent(number) + '/sign/prepare', { certificate: cert.pem });
      if (!p.ok) { status(problem(p), 'error'); return; }
      status(t('signing'));
      const cms = await signCms(storage, p.json.document_data);
      status(t('finishing'));
      const f = await api('POST', '/v1/applications/' + encodeURIComponent(number) + '/sign/finish', { prepared_id: p.json.prepared_id, cms });
      if (!f.ok) { status(problem(f), 'error'); return; }
      row.dataset.signed = 'true';
      row.lastChild.textContent = t('signed');
      status(t('signed') + ': ' + number + ' (' + f.json.status + ')', 'ok');
    } catch (e) {
      status(e.message, 'error');
    }
  }

  async function load() {
    const key = $('key').value.trim();
    if (!key) { status(t('nokey'), 'error'); return; }
    window.sessionStorage.setItem('qoltanba-officer-key', key);
    status(t('loading'));
    const r = await api('GET', '/v1/officer/queue');
    if (!r.ok) { status(problem(r), 'error'); return; }
    const body = $('queue').tBodies[0];
    body.textContent = '';
    $('who').textContent = t('awaiting_' + r.json.awaiting);
    for (const a of r.json.applications) {
      const tr = document.createElement('tr');
      tr.dataset.number = a.number;
      for (const v of [a.number, a.service, a.iin, t(a.decision || ''), a.deadline]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = t('sign');
      b.className = 'sign';
      b.addEventListener('click', () => { b.disabled = true; sign(a.number, tr); });
      td.appendChild(b);
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $('queue').hidden = r.json.applications.length === 0;
    $('empty').hidden = r.json.applications.length !== 0;
    status('');
  }
  $('load').addEventListener('click', load);
})();
