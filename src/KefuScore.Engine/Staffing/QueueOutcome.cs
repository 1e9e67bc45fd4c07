namespace KefuScore.Engine.Staffing;

/// <summary>
/// What a queue with a given number of servers delivers. <see cref="ServiceLevel"/> is the share of all arriving
/// contacts answered within the target time (abandoned contacts count as not answered);
/// <see cref="AsaSeconds"/> is the mean wait of answered contacts (of all contacts in Erlang C, where everyone is
/// answered); <see cref="Occupancy"/> is the share of server time spent handling; <see cref="AbandonProbability"/>
/// is null when the model has no abandonment (Erlang C).
/// </summary>
public readonly record struct QueueOutcome(
    double WaitProbability, double ServiceLevel, double AsaSeconds, double Occupancy, double? AbandonProbability);
