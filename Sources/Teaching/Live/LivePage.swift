/// The page `fluosynth explain --serve` serves: the session's controls beside the explain
/// page's sections, re-rendered by the server for every change.
///
/// The script asks `render?KEY=VALUE…` (the changed settings only), aborts a request still
/// running when a newer one starts and ignores any answer but the latest, so the page follows
/// the controls without queueing stale renders. The settings are kept in the address (a page
/// opened with `?optics.na=1.1` starts there), "Download spec" fetches them as YAML, and "Pin
/// as A" keeps the current numbers and recorded picture beside the live ones (B), with B − A
/// of both; A's settings join the address as `a.KEY=VALUE`, so a comparison can be shared.
public enum LivePage {
    public static func html(_ session: LiveSession, title: String) -> String {
        let controls = session.controls.map(control).joined(separator: "\n")
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(HTML.escape(title)) · live</title>
        <style>\(PageStyle.css)\(css)</style></head><body>
        <header class="title"><div><h1>\(HTML.escape(title))</h1>
        <p>Move a control: the sample is rendered again through the same imaging model as <code>fluosynth generate</code>.</p></div></header>
        <div class="live">
        <aside id="controls"><h2>Settings</h2>
        \(controls)
        <p class="buttons"><a id="download" href="spec.yaml" download="spec.yaml">Download spec</a>
        <button id="pin" type="button">Pin as A</button> <button id="reset" type="button">Reset</button></p>
        <p id="status" role="status">rendering…</p><p id="error" role="alert"></p>
        </aside>
        <div id="view">
        <section id="numbers-section"><h2>Numbers</h2><table class="numbers" id="numbers">
        <tr><th></th><th class="pinned">A</th><th>now (B)</th><th class="pinned">B − A</th></tr>
        \(numberRows)
        </table><div class="row pinned" id="compare"></div></section>
        <main id="results"></main></div></div>
        <script>\(script)</script></body></html>

        """
    }

    /// The numbers the server reports, by their keys in its answer.
    public static let numbers: [(key: String, label: String)] = [
        ("lateral_fwhm_um", "lateral FWHM (µm), measured"),
        ("theory_lateral_fwhm_um", "lateral FWHM (µm), 0.51 λ/NA"),
        ("cutoff_per_um", "OTF cut-off 2NA/λ (cycles/µm)"),
        ("nyquist_pixel_um", "Nyquist pixel λ/(4NA) (µm)"),
        ("recorded_pixel_um", "recorded pixel (µm)"),
        ("snr", "SNR at the brightest pixel"),
    ]

    static var numberRows: String {
        numbers.map { key, label in
            #"<tr data-number="\#(key)"><td>\#(HTML.escape(label))</td><td class="value pinned"></td><td class="value"></td><td class="value pinned"></td></tr>"#
        }.joined(separator: "\n")
    }

    static func control(_ control: LiveControl) -> String {
        let key = HTML.escape(control.key), value = HTML.escape(control.value), label = HTML.escape(control.label)
        let input: String
        switch control.kind {
        case let .number(min, max, step):
            let low = Swift.min(min, Double(control.value) ?? min), high = Swift.max(max, Double(control.value) ?? max)
            input = #"<input type="range" data-key="\#(key)" min="\#(low)" max="\#(high)" step="\#(step)" value="\#(value)"/>"#
                + #"<input type="number" data-mirror="\#(key)" step="any" value="\#(value)"/>"#
        case let .choice(names):
            let options = names.map { #"<option\#($0 == control.value ? " selected" : "")>\#(HTML.escape($0))</option>"# }.joined()
            input = #"<select data-key="\#(key)">\#(options)</select>"#
        case .integers:
            input = #"<input type="text" data-key="\#(key)" value="\#(value)" size="14"/>"#
        }
        return #"<label class="control"><span>\#(label)</span>\#(input)</label>"#
    }

    static let css = """
    .live { display: grid; grid-template-columns: 300px 1fr; gap: 18px; max-width: 1500px; margin: 0 auto; padding: 18px; }
    #controls { position: sticky; top: 10px; align-self: start; background: var(--card); border: 1px solid var(--rule);
                border-radius: 10px; padding: 14px 16px; max-height: calc(100vh - 20px); overflow-y: auto; }
    .control { display: block; margin: 0 0 10px; font-size: 13px; }
    .control span { display: block; color: var(--muted); }
    .control input[type=range] { width: 62%; vertical-align: middle; }
    .control input[type=number] { width: 34%; }
    #error { color: #c0392b; font-weight: 600; }
    #view main { padding: 0; max-width: none; }
    #view section { margin-top: 0; }
    .pinned { display: none; }
    body.has-pin .pinned { display: table-cell; }
    body.has-pin div.pinned { display: flex; }
    """

    static let script = """
    //<![CDATA[
    (function () {
      var inputs = Array.prototype.slice.call(document.querySelectorAll("[data-key]"));
      var changed = {}, latest = 0, running = null, timer = null, pinned = null, current = null;
      function settings() {
        var query = new URLSearchParams();
        inputs.forEach(function (input) { if (changed[input.dataset.key]) { query.set(input.dataset.key, input.value); } });
        return query;
      }
      function show(answer) {
        document.getElementById("results").innerHTML = answer.html;
        document.querySelectorAll("#numbers tr[data-number]").forEach(function (row) {
          var key = row.dataset.number, value = answer.numbers[key], cells = row.querySelectorAll("td.value");
          cells[1].textContent = value === undefined ? "–" : String(value);
          if (pinned) {
            var a = pinned.numbers[key];
            cells[0].textContent = a === undefined ? "–" : String(a);
            cells[2].textContent = a === undefined || value === undefined ? "–" : (value - a).toPrecision(3);
          }
        });
        current = answer;
        document.body.setAttribute("data-render", String(answer.render));
        if (pinned && pinned.pixels) { difference(); }
      }
      function recordedFigure() {
        var stages = document.querySelectorAll('#results section[id^="stage-"]');
        return stages.length > 1 ? stages[stages.length - 2].querySelector("figure") : null;
      }
      function pixels(image) {
        var canvas = document.createElement("canvas");
        canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
        var context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        return { canvas: canvas, data: context.getImageData(0, 0, canvas.width, canvas.height) };
      }
      // B − A of the recorded pictures (as displayed, each stretched to its percentiles):
      // grey is no change, light where B is brighter, dark where A was.
      function difference() {
        var figure = recordedFigure(), box = document.getElementById("difference");
        if (!figure || !box) { return; }
        var image = figure.querySelector("img");
        var draw = function () {
          var b = pixels(image), a = pinned.pixels;
          if (b.data.width !== a.width || b.data.height !== a.height) {
            box.innerHTML = "<h3>B − A</h3><p>the recorded images differ in size (the camera pixel changed)</p>";
            return;
          }
          var out = b.canvas.getContext("2d").createImageData(a.width, a.height);
          for (var i = 0; i < a.data.length; i += 4) {
            var d = 128 + (b.data.data[i] - a.data[i]) / 2;
            out.data[i] = out.data[i + 1] = out.data[i + 2] = d; out.data[i + 3] = 255;
          }
          b.canvas.getContext("2d").putImageData(out, 0, 0);
          box.innerHTML = "<h3>B − A</h3>";
          var picture = new Image();
          picture.src = b.canvas.toDataURL("image/png");
          picture.width = image.width; picture.height = image.height;
          box.appendChild(picture);
        };
        if (image.complete) { draw(); } else { image.addEventListener("load", draw); }
      }
      function address(query) {
        return query.toString() + (pinned ? (query.toString() === "" ? "" : "&") + pinned.query : "");
      }
      function render(rendered) {
        var ticket = ++latest, query = settings();
        if (running) { running.abort(); }
        running = new AbortController();
        history.replaceState(null, "", "?" + address(query));
        document.getElementById("download").href = "spec.yaml?" + query.toString();
        document.getElementById("status").textContent = "rendering…";
        fetch("render?" + query.toString(), { signal: running.signal }).then(function (response) {
          return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
        }).then(function (result) {
          if (ticket !== latest || result.answer.superseded) { return; }
          document.getElementById("error").textContent = result.ok ? "" : result.answer.error;
          document.body.setAttribute("data-error", result.ok ? "" : result.answer.parameter);
          if (result.ok) { show(result.answer); if (rendered) { rendered(); } }
          document.getElementById("status").textContent = result.ok ? "rendered in " + result.answer.render_ms + " ms" : "not rendered";
        }).catch(function (error) {
          if (error.name !== "AbortError") { document.getElementById("error").textContent = String(error); }
        });
      }
      function schedule() { clearTimeout(timer); timer = setTimeout(function () { render(); }, 60); }
      inputs.forEach(function (input) {
        var mirror = document.querySelector('[data-mirror="' + input.dataset.key + '"]');
        input.addEventListener("input", function () {
          changed[input.dataset.key] = true;
          if (mirror) { mirror.value = input.value; }
          schedule();
        });
        if (mirror) {
          mirror.addEventListener("change", function () { input.value = mirror.value; changed[input.dataset.key] = true; schedule(); });
        }
      });
      // Pins what is shown as A (its settings go into the address as a.KEY=VALUE).
      function pin() {
        if (!current) { return; }
        pinned = current;
        pinned.query = pinnedQuery(settings());
        document.body.classList.add("has-pin");
        var recorded = recordedFigure(), compare = document.getElementById("compare");
        compare.innerHTML = "";
        if (recorded) {
          // A's picture is kept as pixels: the server keeps only recent renders.
          var copy = recorded.cloneNode(true), kept = pixels(recorded.querySelector("img"));
          copy.querySelector("img").src = kept.canvas.toDataURL("image/png");
          pinned.pixels = kept.data;
          var box = document.createElement("div");
          box.innerHTML = "<h3>A: the recorded image</h3>";
          box.appendChild(copy);
          compare.appendChild(box);
          var change = document.createElement("div");
          change.id = "difference";
          compare.appendChild(change);
        }
        show(current);
        history.replaceState(null, "", "?" + address(settings()));
      }
      function pinnedQuery(query) {
        var prefixed = new URLSearchParams();
        query.forEach(function (value, key) { prefixed.set("a." + key, value); });
        return prefixed.toString();
      }
      document.getElementById("pin").addEventListener("click", pin);
      document.getElementById("reset").addEventListener("click", function () { location.search = ""; });
      // A page opened with settings in its address starts from them, as if the controls had
      // been moved; with a.KEY=VALUE settings too, it first renders and pins those as A.
      var opened = new URLSearchParams(location.search), first = new URLSearchParams();
      opened.forEach(function (value, key) { if (key.indexOf("a.") === 0) { first.set(key.slice(2), value); } });
      function move(query) {
        query.forEach(function (value, key) {
          inputs.forEach(function (input) {
            if (input.dataset.key === key) { input.value = value; input.dispatchEvent(new Event("input")); }
          });
        });
      }
      if (first.toString() === "") {
        move(opened);
        render();
      } else {
        move(first);
        clearTimeout(timer);
        render(function () {
          var image = recordedFigure() && recordedFigure().querySelector("img");
          var then = function () { pin(); move(opened); };
          if (!image || image.complete) { then(); } else { image.addEventListener("load", then); }
        });
      }
    })();
    //]]>
    """
}
