namespace NeuralTrader.Swarm.Strategies { }
