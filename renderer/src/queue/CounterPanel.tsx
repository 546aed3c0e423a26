// Counter panel (叫号) shown in the desk: placeholder until the hall-queue work lands.
export interface CounterPanelProps {
  /** Start an application for the called ticket (the ticket is recorded on the application). */
  onStartApplication: (ticketNo: string, businessCodes: string[]) => void;
}

export function CounterPanel(_props: CounterPanelProps) {
  return null;
}
