/// The page's style sheet and its one script, inline so the page works offline.
enum PageStyle {
    static let css = """
    :root { --ink: #1d2330; --muted: #5b6475; --rule: #d9dde5; --card: #ffffff; --back: #f3f5f8; --accent: #0072b2; }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--back); color: var(--ink);
           font: 15px/1.55 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; }
    main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 60px; }
    header.title { background: #16202e; color: #f5f7fa; padding: 28px 28px 22px; }
    header.title div { max-width: 1120px; margin: 0 auto; padding: 0 28px; }
    header.title h1 { margin: 0 0 6px; font-size: 26px; font-weight: 600; }
    header.title p { margin: 2px 0; color: #c5cddb; }
    section { background: var(--card); border: 1px solid var(--rule); border-radius: 10px;
              padding: 18px 24px 20px; margin: 22px 0; }
    h2 { margin: 0 0 8px; font-size: 20px; font-weight: 600; }
    h2 .step { display: inline-block; min-width: 28px; height: 28px; border-radius: 14px; background: var(--accent);
               color: #fff; font-size: 15px; text-align: center; line-height: 28px; margin-right: 10px; }
    h3 { font-size: 15px; margin: 16px 0 6px; }
    p { margin: 6px 0 10px; max-width: 62em; }
    .formula { font-family: "DejaVu Serif", Georgia, serif; font-style: italic; background: #f4f6fa;
               border-left: 3px solid var(--accent); padding: 6px 12px; margin: 8px 0 12px; display: inline-block; }
    .row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
    .numbers { border-collapse: collapse; font-size: 14px; margin: 4px 0 8px; }
    .numbers td, .numbers th { border-bottom: 1px solid var(--rule); padding: 4px 12px 4px 0; text-align: left; vertical-align: top; }
    .numbers td.value { font-variant-numeric: tabular-nums; white-space: nowrap; }
    .numbers th { color: var(--muted); font-weight: 600; }
    figure.picture { margin: 0; }
    .frame { position: relative; background: #000; }
    .frame img { display: block; width: 100%; height: 100%; image-rendering: pixelated; }
    .frame svg.overlay { position: absolute; left: 0; top: 0; width: 100%; height: 100%; overflow: hidden; }
    figcaption { font-size: 13px; color: var(--muted); margin-top: 5px; max-width: 380px; }
    .pipeline { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
    .pipeline .arrow { font-size: 22px; color: var(--muted); }
    .pipeline figcaption { text-align: center; max-width: 150px; }
    .verdict-good { color: #00795a; font-weight: 600; }
    .verdict-bad { color: #c0392b; font-weight: 600; }
    .note { color: var(--muted); font-size: 13px; }
    svg.plot { max-width: 100%; height: auto; font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
    .colourbar { font-size: 12px; color: var(--muted); }
    .sweep-slider { margin: 8px 0 14px; }
    .sweep-slider input[type=range] { width: 260px; vertical-align: middle; }
    """

    /// Counts the images that failed to load into `data-broken` on the body once the page
    /// has loaded (read by the headless-browser test).
    static let script = """
    //<![CDATA[
    document.querySelectorAll("[data-sweep]").forEach(function (slider) {
      var box = slider.closest(".sweep-slider");
      var values = box.querySelector("[data-sweep-values]").getAttribute("data-sweep-values").split("|");
      slider.addEventListener("input", function () {
        box.querySelectorAll("[data-sweep-frame]").forEach(function (frame) { frame.hidden = frame.getAttribute("data-sweep-frame") !== slider.value; });
        box.querySelector("[data-sweep-label]").textContent = values[Number(slider.value)];
      });
    });
    window.addEventListener("load", function () {
      var broken = 0, images = document.images;
      for (var i = 0; i !== images.length; i += 1) { if (!images[i].complete || images[i].naturalWidth === 0) { broken += 1; } }
      document.body.setAttribute("data-images", String(images.length));
      document.body.setAttribute("data-broken", String(broken));
    });
    //]]>
    """
}
