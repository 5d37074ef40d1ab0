namespace Birthday.Core.Messages;

/// <summary>What a change to a user does to its messages; applied in the same transaction as the change.</summary>
public sealed record MessagePlan(IReadOnlyList<Message> ToCancel, IReadOnlyList<Message> ToCreate, IReadOnlyList<Message> ToRefresh)
{
    public bool IsEmpty => ToCancel.Count == 0 && ToCreate.Count == 0 && ToRefresh.Count == 0;
}
