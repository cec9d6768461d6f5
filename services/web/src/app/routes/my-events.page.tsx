export default function Page() {
  return <h1>my-events</h1>;
}
