"""The pace a coach keeps: the quiet between phrases, the time to get ready, how many reps
teach a move and how long a hold is counted second by second."""

LEAD_IN_MS = 500  # quiet start; it also leaves room for the MP3 encoder's delay
CHAPTER_LEAD_MS = 250  # a chapter starts this much before its first word, in quiet
PAUSE_MS = 250  # the least quiet between two phrases
NAME_PAUSE_MS = 600  # after an exercise's or a section's name, before its instructions
READY_MS = 3000  # the least quiet after the last instruction, before "three, two, one"
FIRST_TRANSITION_S = 10  # time to get into position for the first exercise
TEACH_REPS = 2  # reps whose phase cues are said in full
GROW_QUIETLY_MS = 500  # a slot that grows by less than this is not worth a warning
COUNT_EVERY_SECOND_UP_TO = 10  # longer holds get "halfway" and a countdown instead
