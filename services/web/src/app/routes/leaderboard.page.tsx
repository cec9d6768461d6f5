export default function Page() {
  return <h1>leaderboard</h1>;
}
