export default function Page() {
  return <h1>event-edit</h1>;
}
