namespace Microsoft.Extensions.Hosting;

/// <summary>Whether this process has run its warm-up since it started (<see cref="WarmUpService"/>).</summary>
public sealed class WarmUpState
{
    private volatile bool _done;

    public bool IsDone => _done;

    public void Done() => _done = true;
}
