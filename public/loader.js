// Trunk initializer for the widget's wasm (`data-initializer` in index.html): when the wasm fails
// to load or start, the frame the page painted says so instead of loading for ever. A file, not
// an inline script, so the page works under a CSP without 'unsafe-inline'.
export default function initializer() {
  return {
    onFailure() {
      const failed = document.getElementById('fl-load-failed');
      if (failed) failed.hidden = false;
      for (const loading of document.querySelectorAll('#fairline .fl-loading')) loading.hidden = true;
    },
  };
}
