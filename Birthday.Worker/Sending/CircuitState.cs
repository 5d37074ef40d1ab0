namespace Birthday.Worker.Sending;

/// <summary>The email circuit breaker's state, for /health and for metrics.</summary>
public sealed class CircuitState
{
    private int _state;

    /// <summary>0 closed, 1 half-open, 2 open: as the gauge <c>birthday.email.circuit_state</c> reports it.</summary>
    public int Value => Volatile.Read(ref _state);

    public bool IsOpen => Value == 2;

    public void Closed() => Volatile.Write(ref _state, 0);

    public void HalfOpened() => Volatile.Write(ref _state, 1);

    public void Opened() => Volatile.Write(ref _state, 2);
}
