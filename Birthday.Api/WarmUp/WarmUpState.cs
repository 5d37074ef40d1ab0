namespace Birthday.Api.WarmUp;

/// <summary>Whether this instance has run its request paths once since it started (see <see cref="RequestPathWarmUp"/>).</summary>
public sealed class WarmUpState
{
    private volatile bool _done;

    public bool IsDone => _done;

    public void Done() => _done = true;
}
