namespace Birthday.Core.Messages;

/// <summary>The delivery state machine (docs: DESIGN §3). Pending, Enqueued and Sending are "open".</summary>
public enum MessageStatus
{
    Pending,
    Enqueued,
    Sending,
    Sent,
    Failed,
    Cancelled,
    Missed,
}
