namespace TaskOrchestrator.Grains.Tests;

/// <summary>The tests that share one <see cref="TaskClusterFixture"/>; they run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TaskClusterCollection : ICollectionFixture<TaskClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Task cluster";
}
