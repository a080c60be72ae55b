import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import { EVENT_SOURCE, type DomainEvent, type EventPublisher } from "../../events/domain-events";

/** PutEvents refused some entries (throttled or failed): the stream delivery is retried, ids make it safe. */
export class EventsNotPublishedError extends ChartbridgeError {
  constructor(failed: number) {
    super(
      { name: "EventsNotPublishedError", code: "EVENTS_NOT_PUBLISHED", retryable: true },
      `${failed} event(s) were not accepted by EventBridge`,
    );
  }
}

/** Domain events onto the stack's EventBridge bus: source "chartbridge", detail-type the event type. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.type,
            Time: new Date(e.time),
            Detail: JSON.stringify({ eventId: e.id, ...e.detail }),
          })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) throw new EventsNotPublishedError(out.FailedEntryCount!);
    }
  }
}
