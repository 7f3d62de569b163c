/// The login page's one inline script. It carries no data: everything it reads is in the page's markup
/// (`data-*` attributes) or comes from Telegram, so nothing from the request is ever spliced into JavaScript.
///
/// In order, the first that applies wins:
/// 1. inside a Mini App (`Telegram.WebApp.initData` non-empty, when the page offers the Mini App path) it adds an
///    `initData` input and submits `#telegate-login` at once;
/// 2. on a return from `oauth.telegram.org` (`#tgAuthResult=…` in the fragment) it removes the fragment from the
///    address, adds a `tgAuthResult` input and submits; `tgAuthResult=false` (cancelled) shows a notice instead;
/// 3. with the widget in callback mode it waits for the widget frame's `auth_user` message (from
///    `https://oauth.telegram.org`, from that frame only), adds each field Telegram sent and submits. Reading the
///    message keeps the page free of `data-onauth`, which Telegram's script runs through `eval` (blocked by the
///    page's CSP).
/// A field already in the form is never replaced, so nothing Telegram sends can overwrite the request's parameters.
enum LoginScript {
    static let source = """
        (function(){\
        var d=document,f=d.getElementById('telegate-login'),m=d.getElementById('telegate-methods'),sent=false;\
        function put(n,v){if(f.elements.namedItem(n))return;var i=d.createElement('input');\
        i.type='hidden';i.name=n;i.value=v;f.appendChild(i)}\
        function go(){if(sent)return;sent=true;m.hidden=true;d.getElementById('telegate-progress').hidden=false;\
        f.submit()}\
        var w=window.Telegram&&window.Telegram.WebApp;\
        if(m.hasAttribute('data-mini-app')&&w&&w.initData){w.ready();put('initData',w.initData);go();return}\
        var h=location.hash,k='#tgAuthResult=';\
        if(h.indexOf(k)===0){var r=h.slice(k.length);\
        history.replaceState(null,'',location.pathname+location.search);\
        if(r&&r!=='false'){put('tgAuthResult',r);go();return}\
        d.getElementById('telegate-cancelled').hidden=false}\
        var g=d.getElementById('telegate-widget');\
        if(g&&g.hasAttribute('data-callback'))addEventListener('message',function(e){\
        var x=g.querySelector('iframe'),a;\
        if(e.origin!==g.getAttribute('data-origin')||!x||e.source!==x.contentWindow)return;\
        try{a=JSON.parse(e.data)}catch(_){return}\
        if(!a||a.event!=='auth_user'||!a.auth_data||typeof a.auth_data!=='object')return;\
        for(var n in a.auth_data){var v=a.auth_data[n];if(v!==null&&typeof v!=='object')put(n,String(v))}go()})\
        })();
        """
}
