// placeholder
export function ApplicationDetail(_props: { id?: string }) {
  return null;
}
