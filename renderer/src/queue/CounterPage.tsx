// Stand-alone counter page (#/queue/counter): the counter panel without the desk, for a counter
// PC that only calls numbers; starting an application opens the desk's new-application route.
// With no desk session here, the person signs in on the panel (staff number + password).
import { CounterPanel } from './CounterPanel';

export function CounterPage() {
  return (
    <div style={{ maxWidth: 760, margin: '24px auto', padding: '0 16px' }}>
      <CounterPanel
        standalone
        onStartApplication={(ticketNo, businessCodes) => {
          const q = new URLSearchParams({ ticket: ticketNo });
          if (businessCodes.length) q.set('business', businessCodes.join(','));
          window.location.hash = `#/desk/new?${q.toString()}`;
        }}
      />
    </div>
  );
}
