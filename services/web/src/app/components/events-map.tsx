// Leaflet map with clustered markers (hydrated only: the list above it is the server-rendered content).
// Leaflet and its CSS come from npm, tiles from the configured URL (default: the stand-in tile server).
import { useEffect, useRef } from 'react';
import type { EventListItem } from '../../domain/events/event.types.js';
import { coord } from '../../domain/events/event.types.js';
import { formatDateTime } from '../../domain/format/pt-br.js';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';

export interface MapSettings {
  tileUrl: string;
  tileAttribution: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function EventsMap({
  events,
  settings,
  label,
  whenVisible = false,
}: {
  events: EventListItem[];
  settings: MapSettings;
  label: string;
  /** Load Leaflet only when the map comes near the viewport (the detail page's map sits below the fold). */
  whenVisible?: boolean;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let map: import('leaflet').Map | undefined;
    let observer: IntersectionObserver | undefined;
    const draw = async () => {
      const L = (await import('leaflet')).default;
      (globalThis as { L?: unknown }).L = L;
      // One marker needs no clustering: the plugin is loaded only for lists.
      const clustered = events.length > 1;
      if (clustered) await import('leaflet.markercluster');
      if (disposed || !el.current) return;
      map = L.map(el.current, { scrollWheelZoom: false, zoomControl: false }).setView([-15.8, -47.9], 4);
      L.control.zoom({ zoomInTitle: 'Aproximar', zoomOutTitle: 'Afastar' }).addTo(map);
      L.tileLayer(settings.tileUrl, { attribution: settings.tileAttribution, maxZoom: 18 }).addTo(map);
      const layer = clustered ? L.markerClusterGroup() : L.layerGroup();
      const bounds: [number, number][] = [];
      for (const e of events) {
        const lat = coord(e.latitude);
        const lng = coord(e.longitude);
        if (lat === null || lng === null) continue;
        bounds.push([lat, lng]);
        const m = L.circleMarker([lat, lng], { radius: 9, color: '#0b6e4f', fillOpacity: 0.8 });
        m.bindPopup(
          `<a href="/eventos/${e.id}">${escapeHtml(e.title)}</a><br>${escapeHtml(formatDateTime(e.start_date))}`,
        );
        layer.addLayer(m as unknown as import('leaflet').Marker);
      }
      map.addLayer(layer);
      if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
      el.current.dataset['ready'] = String(bounds.length);
    };
    if (whenVisible && el.current && 'IntersectionObserver' in window) {
      observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((x) => x.isIntersecting)) return;
          observer?.disconnect();
          void draw();
        },
        { rootMargin: '200px' },
      );
      observer.observe(el.current);
    } else void draw();
    return () => {
      disposed = true;
      observer?.disconnect();
      map?.remove();
    };
  }, [events, settings.tileUrl, settings.tileAttribution, whenVisible]);
  return <div ref={el} className="map" role="region" aria-label={label} data-testid="events-map" />;
}
