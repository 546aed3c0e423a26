// placeholder
export function ApplicationsPage(_props: { id?: string }) {
  return null;
}
