"""Local initiative: the «Жергиликтүү демилге» / «Местная инициатива» contest for the best
examples of residents and LSG bodies working together (domain README 3.3). A registered stub:
a one-field form and a three-criterion sheet, enough to run a call end to end; the full
application, the municipal variant under the model regulation and prizes by place are
completed in the next issue.
"""

__version__ = "0.1"
