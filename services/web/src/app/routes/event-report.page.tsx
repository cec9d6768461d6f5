export default function Page() {
  return <h1>event-report</h1>;
}
