namespace MeshInterop.Federation.Internal;

/// <summary>
/// Wakes one waiting loop when something changed. Take <see cref="Next"/> before reading the state it guards, so a
/// change that lands while the loop works is never missed.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
