namespace Birthday.Core.Occasions;

/// <summary>Where a 29 February occasion falls in a year that has no 29 February.</summary>
public enum LeapDayRule
{
    February28,
    March1,
}
