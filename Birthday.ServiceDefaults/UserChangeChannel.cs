namespace Birthday.ServiceDefaults;

/// <summary>
/// The Redis pub/sub channel on which the api announces every committed change of a user (the message is the user's id),
/// so that whoever keeps users in its own memory — the gateway's read cache — drops them at once, wherever the write
/// came in.
/// </summary>
public static class UserChangeChannel
{
    public const string Name = "birthday:user-changed";
}
