// Picks the event's place: a click on the map drops the pin and fills latitude/longitude (which stay
// editable fields, so the place can also be typed with the keyboard).
import { useEffect, useRef } from 'react';
import type { MapSettings } from './events-map.js';
import 'leaflet/dist/leaflet.css';

export function LocationPicker({
  lat,
  lng,
  settings,
  onPick,
}: {
  lat: number | null;
  lng: number | null;
  settings: MapSettings;
  onPick(lat: number, lng: number): void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const marker = useRef<import('leaflet').CircleMarker | null>(null);
  const mapRef = useRef<import('leaflet').Map | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    let disposed = false;
    void (async () => {
      const L = (await import('leaflet')).default;
      if (disposed || !el.current) return;
      const map = L.map(el.current, { zoomControl: false }).setView(
        lat !== null && lng !== null ? [lat, lng] : [-23.55, -46.63],
        lat !== null ? 14 : 11,
      );
      L.control.zoom({ zoomInTitle: 'Aproximar', zoomOutTitle: 'Afastar' }).addTo(map);
      mapRef.current = map;
      if (lat !== null && lng !== null)
        marker.current = L.circleMarker([lat, lng], { radius: 10, color: '#b3261e', fillOpacity: 0.9 }).addTo(
          map,
        );
      L.tileLayer(settings.tileUrl, { attribution: settings.tileAttribution, maxZoom: 18 }).addTo(map);
      map.on('click', (ev: import('leaflet').LeafletMouseEvent) => {
        const la = Math.round(ev.latlng.lat * 1e6) / 1e6;
        const ln = Math.round(ev.latlng.lng * 1e6) / 1e6;
        pick.current(la, ln);
      });
      el.current.dataset['ready'] = 'true';
    })();
    return () => {
      disposed = true;
      mapRef.current?.remove();
      mapRef.current = null;
      marker.current = null;
    };
    // Only a new tile URL rebuilds the map; the pin follows `value` in the effect above.
  }, [settings.tileUrl]);
  useEffect(() => {
    void (async () => {
      const map = mapRef.current;
      if (!map || lat === null || lng === null) return;
      const L = (await import('leaflet')).default;
      if (marker.current) marker.current.setLatLng([lat, lng]);
      else
        marker.current = L.circleMarker([lat, lng], { radius: 10, color: '#b3261e', fillOpacity: 0.9 }).addTo(
          map,
        );
    })();
  }, [lat, lng]);
  return (
    <div
      ref={el}
      className="map map-picker"
      role="application"
      aria-label="Mapa: clique para marcar o local do evento"
      data-testid="location-picker"
    />
  );
}
