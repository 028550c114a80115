namespace NeuralTrader.Swarm.Commands { }
