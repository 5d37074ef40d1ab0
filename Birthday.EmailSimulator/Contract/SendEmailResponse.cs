namespace Birthday.EmailSimulator.Contract;

/// <summary>The vendor's 200 answer: <c>{"success": true, "messageId": "…"}</c>.</summary>
public sealed record SendEmailResponse(bool Success, string MessageId)
{
    public static SendEmailResponse Delivered(string messageId) => new(true, messageId);
}
