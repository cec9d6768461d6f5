// A button that copies a text to the clipboard and says so to screen readers; without the Clipboard API
// (or when it refuses) it says how to copy by hand — the text stays selectable in its field.
import { useState } from 'react';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Endereço copiado.');
    } catch {
      setSaid('Não foi possível copiar: selecione o endereço e copie com Ctrl+C.');
    }
  };
  return (
    <>
      <button type="button" className="button secondary" onClick={() => void copy()}>
        {label}
      </button>{' '}
      <span className="hint" aria-live="polite">
        {said}
      </span>
    </>
  );
}
