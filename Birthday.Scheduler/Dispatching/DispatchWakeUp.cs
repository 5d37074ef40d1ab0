using Birthday.Core.Time;

namespace Birthday.Scheduler.Dispatching;

/// <summary>
/// Wakes the dispatch loop before its planned time: a NOTIFY from a write that made a row due soon
/// (<see cref="DueSoonListener"/>), this scheduler's own maintenance putting rows back to Pending, or, in virtual time,
/// the clock jumping (the instant the loop sleeps towards may have come). A signal given while the loop claims is kept
/// for its next wait, so none is lost between a claim and the sleep after it.
/// </summary>
public sealed class DispatchWakeUp : IDisposable
{
    private readonly SemaphoreSlim _signalled = new(0, 1);
    private readonly ApplicationClock? _clock;

    /// <param name="clock">The virtual clock, when the application runs in virtual time (else none is registered).</param>
    public DispatchWakeUp(ApplicationClock? clock = null)
    {
        _clock = clock;
        if (_clock is not null)
        {
            _clock.Moved += OnClockMoved;
        }
    }

    /// <summary>Wakes the loop now, or at its next wait if it is claiming.</summary>
    public void Signal()
    {
        // At most one signal is kept: two writes before the next claim need one claim, not two.
        if (_signalled.CurrentCount == 0)
        {
            try
            {
                _signalled.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread kept one a moment ago: that is the one the loop needs.
            }
        }
    }

    /// <summary>Forgets signals given so far: called as a claim begins, which sees every row committed before it.</summary>
    public void Reset()
    {
        while (_signalled.Wait(0))
        {
        }
    }

    /// <returns>True when signalled, false when <paramref name="timeout"/> passed first.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _signalled.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        if (_clock is not null)
        {
            _clock.Moved -= OnClockMoved;
        }

        _signalled.Dispose();
    }

    /// <summary>
    /// Every service follows a move of the shared virtual clock within <see cref="VirtualClockFollower.PollInterval"/>,
    /// this one too, so the others may still read the old time when this one has moved. Claiming at once would hand the
    /// workers rows due ahead of their clocks, which they refuse as skew (the rows then wait out their lease): the loop is
    /// woken only once the others have had two chances to follow.
    /// </summary>
    private void OnClockMoved(object? sender, EventArgs e) =>
        _ = Task.Delay(VirtualClockFollower.PollInterval * 2).ContinueWith(_ =>
        {
            try
            {
                Signal();
            }
            catch (ObjectDisposedException)
            {
                // The scheduler is stopping.
            }
        }, TaskScheduler.Default);
}
