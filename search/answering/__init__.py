"""The answer's rooms: candidate spans, the learned scorer's interface, the features of
a decision, the fitted policy, the decision and selection, and the answer phrase."""
