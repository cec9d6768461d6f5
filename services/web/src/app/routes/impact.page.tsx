// Monthly impact reports (computed by the worker on the 1st of each month).
import { useLoaderData, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import { impactView } from '../../domain/users/community.view-model.js';
import { formatMonth, formatNumber } from '../../domain/format/pt-br.js';
import { guard } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Impacto mensal — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => ({ months: await impactView(w.api) }));
}

export default function Impact() {
  const { months } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Impacto mensal</h1>
      {months.length ? (
        <div className="table-scroll" role="region" aria-label="Tabela de impacto mensal" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Mês</th>
                <th scope="col">Eventos</th>
                <th scope="col">Participantes</th>
                <th scope="col">Horas</th>
                <th scope="col">Árvores</th>
                <th scope="col">Lixo (kg)</th>
                <th scope="col">Recicláveis (kg)</th>
                <th scope="col">CO₂ compensado (kg)</th>
                <th scope="col">Área limpa (m²)</th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{formatMonth(m.month)}</th>
                  <td>{formatNumber(m.events_count)}</td>
                  <td>{formatNumber(m.total_participants)}</td>
                  <td>{formatNumber(m.total_hours)}</td>
                  <td>{formatNumber(m.trees_planted)}</td>
                  <td>{formatNumber(m.trash_collected_kg)}</td>
                  <td>{formatNumber(m.recyclable_material_kg)}</td>
                  <td>{formatNumber(m.co2_offset_kg)}</td>
                  <td>{formatNumber(m.area_cleaned_m2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Nenhum relatório mensal ainda: eles são gerados no dia 1º de cada mês.</p>
      )}
    </>
  );
}
