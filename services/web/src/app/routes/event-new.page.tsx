export default function Page() {
  return <h1>event-new</h1>;
}
