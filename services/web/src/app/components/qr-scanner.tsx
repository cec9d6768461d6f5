// Reads a QR code with the device's camera (getUserMedia + jsQR, loaded on first use), from a photo, or
// typed by hand, and posts it as `code` with the given intent. Without JavaScript the typed form still works.
import { Form } from 'react-router';
import { useEffect, useId, useRef, useState } from 'react';
import { CsrfField } from './csrf-field.js';

type Decoder = (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;

async function loadDecoder(): Promise<Decoder> {
  const mod = await import('jsqr');
  const jsQR = (mod.default ?? mod) as unknown as (
    d: Uint8ClampedArray,
    w: number,
    h: number,
    o?: { inversionAttempts?: 'dontInvert' | 'attemptBoth' },
  ) => { data: string } | null;
  return (d, w, h) => jsQR(d, w, h, { inversionAttempts: 'attemptBoth' });
}

export function QrScanner(p: {
  intent: string;
  title: string;
  cameraLabel: string;
  busy: boolean;
  errors?: string[] | undefined;
}) {
  const uid = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const [state, setState] = useState<'idle' | 'starting' | 'scanning'>('idle');
  const [note, setNote] = useState('');

  const stop = () => {
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    setState('idle');
  };
  useEffect(() => stop, []);

  const found = (text: string) => {
    stop();
    if (inputRef.current) inputRef.current.value = text;
    setNote('QR code lido. Enviando…');
    formRef.current?.requestSubmit();
  };

  const decodeFrame = (decode: Decoder, source: CanvasImageSource, w: number, h: number) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(source, 0, 0, w, h);
    return decode(ctx.getImageData(0, 0, w, h).data, w, h);
  };

  const startCamera = async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setNote('Este navegador não dá acesso à câmera: envie uma foto do QR code ou digite o código.');
      return;
    }
    setState('starting');
    setNote('');
    try {
      const [stream, decode] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
        loadDecoder(),
      ]);
      streamRef.current = stream;
      const video = videoRef.current!;
      video.srcObject = stream;
      await video.play();
      setState('scanning');
      setNote('Aponte a câmera para o QR code.');
      const tick = () => {
        if (!streamRef.current) return;
        const w = video.videoWidth;
        const h = video.videoHeight;
        const r = w && h ? decodeFrame(decode, video, w, h) : null;
        if (r?.data) found(r.data);
        else setTimeout(tick, 200);
      };
      tick();
    } catch {
      stop();
      setNote('Não foi possível abrir a câmera: envie uma foto do QR code ou digite o código.');
    }
  };

  const readPhoto = async (file: File | undefined) => {
    if (!file) return;
    try {
      const [bitmap, decode] = await Promise.all([createImageBitmap(file), loadDecoder()]);
      const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
      const r = decodeFrame(
        decode,
        bitmap,
        Math.round(bitmap.width * scale),
        Math.round(bitmap.height * scale),
      );
      if (r?.data) found(r.data);
      else setNote('Não encontramos um QR code nesta foto. Tente outra, mais de perto.');
    } catch {
      setNote('Não foi possível abrir esta imagem.');
    }
  };

  const codeId = `${uid}-code`;
  const errId = `${uid}-err`;
  return (
    <div className="qr-scanner" data-state={state}>
      <h2 id={`${uid}-title`}>{p.title}</h2>
      <div className="button-row">
        {state === 'idle' ? (
          <button type="button" className="button" onClick={startCamera} disabled={p.busy}>
            {p.cameraLabel}
          </button>
        ) : (
          <button type="button" className="button secondary" onClick={stop}>
            Fechar câmera
          </button>
        )}
      </div>
      <video
        ref={videoRef}
        className="qr-video"
        muted
        playsInline
        aria-label="Imagem da câmera"
        hidden={state === 'idle'}
      />
      <p className="hint" role="status" aria-live="polite">
        {note}
      </p>
      <div className="field">
        <label htmlFor={`${uid}-photo`}>Ou envie uma foto do QR code</label>
        <input
          id={`${uid}-photo`}
          type="file"
          accept="image/*"
          capture="environment"
          onChange={(ev) => void readPhoto(ev.currentTarget.files?.[0])}
        />
      </div>
      <Form method="post" ref={formRef} className="qr-manual">
        <CsrfField />
        <input type="hidden" name="intent" value={p.intent} />
        <div className={`field${p.errors?.length ? ' has-error' : ''}`}>
          <label htmlFor={codeId}>Ou digite o código</label>
          <input
            id={codeId}
            ref={inputRef}
            name="code"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={!!p.errors?.length}
            aria-describedby={p.errors?.length ? errId : undefined}
          />
          {p.errors?.length ? (
            <ul id={errId} className="field-errors">
              {p.errors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <button type="submit" className="button secondary" disabled={p.busy}>
          Enviar código
        </button>
      </Form>
    </div>
  );
}
