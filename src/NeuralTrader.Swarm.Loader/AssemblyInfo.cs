namespace NeuralTrader.Swarm.Loader { }
