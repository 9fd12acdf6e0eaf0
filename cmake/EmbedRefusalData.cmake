# Writes OUT: a C++ file with IN (data/judge/refusal_train.jsonl) as the string
# safegate::judge::internal::kRefusalTrainData (cmake/EmbedText.cmake).
set(NS safegate::judge::internal)
set(COUNT 1)
set(IN0 ${IN})
set(SYM0 kRefusalTrainData)
include(${CMAKE_CURRENT_LIST_DIR}/EmbedText.cmake)
