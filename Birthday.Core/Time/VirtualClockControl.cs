using Birthday.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Birthday.Core.Time;

/// <summary>
/// Moves the whole application's virtual time forward (never back): the shared offset in <c>virtual_clock</c>, which
/// every service follows within <see cref="VirtualClockFollower.PollInterval"/>, and this service's own clock at once.
/// </summary>
public sealed class VirtualClockControl(ApplicationClock clock, BirthdayDbContext db)
{
    /// <summary>
    /// The shared clock as the database holds it. This service's own clock may still lag a move another instance has
    /// just made, so whoever reads the clock in order to move it must read this one.
    /// </summary>
    public async Task<Instant> SharedNowAsync(CancellationToken cancellationToken)
    {
        var ticks = await db.Database
            .SqlQuery<long>($"SELECT offset_ticks AS \"Value\" FROM virtual_clock WHERE id = 1")
            .SingleAsync(cancellationToken);
        return SystemClock.Instance.GetCurrentInstant() + Duration.FromTicks(ticks);
    }

    /// <summary>Returns false (and changes nothing) when <paramref name="target"/> lies before the application's now.</summary>
    public async Task<bool> AdvanceToAsync(Instant target, CancellationToken cancellationToken)
    {
        var ticks = (target - SystemClock.Instance.GetCurrentInstant()).BclCompatibleTicks;
        var moved = await db.Database.ExecuteSqlAsync(
            $"UPDATE virtual_clock SET offset_ticks = {ticks} WHERE id = 1 AND offset_ticks <= {ticks}", cancellationToken);
        if (moved == 0)
        {
            return false;
        }

        clock.AdvanceTo(Duration.FromTicks(ticks));
        return true;
    }
}
