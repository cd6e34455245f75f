/// `backline model`: the audience model on a promoter's vault.
struct NodeModelCommand: Command {
    let name = "model"
    let abstract = "Train the audience model on a promoter's vault"
    var discussion: String {
        "The queries on the trained model are 'backline match', 'recommend', 'similar', 'forecast' and 'evaluate' with --vault."
    }
    var subcommands: [any Command] { [NodeModelTrainCommand()] }
}
