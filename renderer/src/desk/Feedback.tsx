// placeholder
export function FeedbackPage(_props: { id?: string }) {
  return null;
}
