using Microsoft.Extensions.Options;

namespace Birthday.EmailSimulator.Faults;

/// <summary>
/// The failure modes in force: configuration's at start-up, then whatever the admin API put. Replaced whole, so each send
/// reads one consistent snapshot without a lock.
/// </summary>
public sealed class CurrentFailureModes(IOptions<FailureModes> configured)
{
    private FailureModes _modes = configured.Value;

    public FailureModes Value => Volatile.Read(ref _modes);

    public void Replace(FailureModes modes) => Volatile.Write(ref _modes, modes);
}
